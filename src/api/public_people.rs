//! The public leadership and staff directory: who holds which post today, past holders with
//! their terms, and a person's entry. Only contact fields flagged public exist here at all.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use super::utc;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::category::ContentKind;
use crate::domain::documents::vietnam_day;
use crate::domain::people::{ContactKind, in_office};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::editorial::read_fields;
use crate::services::people::{self, PersonFields, Term};
use crate::services::projection::public_fields;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_people).service(get_person);
}

/// A contact field the school publishes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicContact {
    pub kind: ContactKind,
    pub value: String,
}

/// A person in the public directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPersonSummary {
    pub id: String,
    pub slug: String,
    /// Họ và tên (the item's title, as on every kind).
    pub title: String,
    /// Chức vụ.
    pub position: String,
    /// Đơn vị.
    pub unit: String,
    pub photo_media_id: Option<String>,
    /// Only the contact fields flagged public.
    pub contacts: Vec<PublicContact>,
    pub order: i32,
    pub term_start: Option<NaiveDate>,
    /// The first day out of office; `null` while in office.
    pub term_end: Option<NaiveDate>,
    /// Holds the post today (in Vietnam).
    pub in_office: bool,
    pub category_id: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person's public entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPersonResponse {
    #[serde(flatten)]
    pub summary: PublicPersonSummary,
    /// A few lines about them.
    pub bio: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPersonList {
    pub items: Vec<PublicPersonSummary>,
}

/// What a list shows of a person (`Kind::LISTED`); the projection holds only public contacts.
#[derive(Deserialize)]
struct PersonCard {
    position: String,
    unit: String,
    photo_media_id: Option<String>,
    contacts: Vec<people::Contact>,
    order: i32,
    term_start: Option<NaiveDate>,
    term_end: Option<NaiveDate>,
}

fn summary_of(card: PublicCard, today: NaiveDate) -> ApiResult<PublicPersonSummary> {
    let f: PersonCard = read_fields(&card.card)?;
    Ok(PublicPersonSummary {
        id: card.item_id,
        slug: card.slug,
        title: card.title,
        position: f.position,
        unit: f.unit,
        photo_media_id: f.photo_media_id,
        // Never anything else, whatever the projection holds.
        contacts: f
            .contacts
            .into_iter()
            .filter(|c| c.public)
            .map(|c| PublicContact {
                kind: c.kind,
                value: c.value,
            })
            .collect(),
        order: f.order,
        in_office: in_office(f.term_start, f.term_end, today),
        term_start: f.term_start,
        term_end: f.term_end,
        category_id: card.category_id,
        published_at: utc(card.published_at),
        updated_at: utc(card.updated_at),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicPeopleQuery {
    /// `current` (the default): in office today; `past`: former holders, the latest to
    /// leave first; `all`.
    pub term: Option<Term>,
    /// Đơn vị, as written or folded (`Ban giám hiệu`, `ban-giam-hieu`).
    pub unit: Option<String>,
}

/// The directory: people in office today, in the directory's order, or past holders.
#[utoipa::path(
    tag = "leadership",
    params(PublicPeopleQuery),
    responses(
        (status = 200, description = "The directory", body = PublicPersonList),
        (status = 400, description = "Bad filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/leadership")]
pub async fn list_people(
    state: web::Data<AppState>,
    query: web::Query<PublicPeopleQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    if let Some(unit) = &q.unit {
        super::check_query_text("unit", unit)?;
    }
    let today = vietnam_day(state.settings.clock.now());
    let items = state
        .db(move |conn| {
            people::list_public(conn, q.unit.as_deref(), q.term.unwrap_or_default(), today)?
                .into_iter()
                .map(|card| summary_of(card, today))
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(PublicPersonList { items }))
}

/// A person's entry by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "leadership",
    params(("id" = String, Path, description = "Entry id or slug")),
    responses(
        (status = 200, description = "The published entry", body = PublicPersonResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published entry there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/leadership/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let today = vietnam_day(state.settings.clock.now());
    super::public::item(
        &state,
        ContentKind::Person,
        id.into_inner(),
        move |_, item| entry(item, today),
    )
    .await
}

pub(super) fn entry(item: PublicItem, today: NaiveDate) -> ApiResult<PublicPersonResponse> {
    let f: PersonFields = public_fields(&item.card, &item.detail)?;
    Ok(PublicPersonResponse {
        bio: f.bio,
        summary: summary_of(item.into_card(), today)?,
    })
}
