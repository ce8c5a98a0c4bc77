//! The public registry of documents: the list with its filters, the lookup by số ký hiệu, and
//! a document with its files, its relations and its validity on the clock's day in Vietnam.

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
use crate::domain::documents::{DocumentForm, RelationKind, Validity, vietnam_day};
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::documents::{self, DocumentFields};
use crate::services::editorial::read_fields;
use crate::services::projection::public_fields;
use crate::services::{Lookup, procedures, public};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_documents)
        .service(get_document_by_number)
        .service(get_document);
}

/// Today in Vietnam, by the server's clock.
fn today(state: &AppState) -> NaiveDate {
    vietnam_day(state.settings.clock.now())
}

/// A document in the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocumentSummary {
    pub id: String,
    pub slug: String,
    /// Trích yếu.
    pub title: String,
    pub number: String,
    pub form: DocumentForm,
    pub issuer: String,
    pub signed_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub category_id: String,
    /// Where it stands today, in Vietnam: computed at every read.
    pub validity: Validity,
    /// Bị sửa đổi một phần: a published amending document is in force.
    pub amended_in_part: bool,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A file attached to a published document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocumentFile {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Where to download it.
    pub url: String,
}

impl PublicDocumentFile {
    pub fn of(f: &documents::File) -> Self {
        PublicDocumentFile {
            url: format!("/api/v1/media/{}/file", f.id),
            id: f.id.clone(),
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
        }
    }
}

/// Which way a relation reads from this document.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationDirection {
    /// This document states it ("this replaces that").
    Outgoing,
    /// The other document states it ("replaced by that").
    Incoming,
}

/// A published document related to this one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocumentRelation {
    pub kind: RelationKind,
    pub direction: RelationDirection,
    /// As this page shows it: `Thay thế`, or for an incoming one `Bị thay thế bởi`.
    pub label: String,
    pub id: String,
    pub slug: String,
    pub number: String,
    pub title: String,
}

/// A published document with its files, its relations (only to published documents) and
/// its validity today.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocumentResponse {
    #[serde(flatten)]
    pub summary: PublicDocumentSummary,
    pub signer: String,
    pub signer_title: String,
    pub files: Vec<PublicDocumentFile>,
    pub relations: Vec<PublicDocumentRelation>,
    /// The published procedure guides that name this document in their legal basis.
    pub procedures: Vec<PublicBasedProcedure>,
}

/// A published procedure guide based on a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicBasedProcedure {
    pub id: String,
    pub slug: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDocumentList {
    pub items: Vec<PublicDocumentSummary>,
    pub next_cursor: Option<String>,
}

/// The document fields a list shows (`Kind::LISTED`).
#[derive(Deserialize)]
struct DocumentCard {
    number: String,
    form: DocumentForm,
    issuer: String,
    signed_on: NaiveDate,
    effective_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
}

/// The list entries of `cards`, their validity on `today` read in one query for all.
fn summaries_of(
    conn: &mut crate::db::DbConnection,
    cards: Vec<PublicCard>,
    today: NaiveDate,
) -> ApiResult<Vec<PublicDocumentSummary>> {
    let ids: Vec<&str> = cards.iter().map(|c| c.item_id.as_str()).collect();
    let incoming = documents::incoming(conn, &ids)?;
    cards
        .into_iter()
        .map(|card| summary_of(card, &incoming, today))
        .collect()
}

fn summary_of(
    card: PublicCard,
    incoming: &[documents::Incoming],
    today: NaiveDate,
) -> ApiResult<PublicDocumentSummary> {
    let fields: DocumentCard = read_fields(&card.card)?;
    let effective = fields.effective_on.unwrap_or(fields.signed_on);
    let (validity, amended_in_part) =
        documents::validity_of(&card.item_id, effective, fields.expires_on, incoming, today);
    Ok(PublicDocumentSummary {
        id: card.item_id,
        slug: card.slug,
        title: card.title,
        number: fields.number,
        form: fields.form,
        issuer: fields.issuer,
        signed_on: fields.signed_on,
        effective_on: effective,
        expires_on: fields.expires_on,
        category_id: card.category_id,
        validity,
        amended_in_part,
        published_at: utc(card.published_at),
        updated_at: utc(card.updated_at),
    })
}

pub(super) fn public_document(
    conn: &mut crate::db::DbConnection,
    item: PublicItem,
    today: NaiveDate,
) -> ApiResult<PublicDocumentResponse> {
    let fields: DocumentFields = public_fields(&item.card, &item.detail)?;
    let files = documents::files(conn, &fields.file_ids)?
        .iter()
        .map(PublicDocumentFile::of)
        .collect();
    let outgoing: Vec<(RelationKind, String)> = fields
        .relations
        .iter()
        .map(|r| (r.kind, r.document_id.clone()))
        .collect();
    let incoming_rows = documents::incoming(conn, &[item.item_id.as_str()])?;
    let incoming: Vec<(RelationKind, String)> = incoming_rows
        .iter()
        .map(|r| (r.kind, r.from_id.clone()))
        .collect();
    let ids: Vec<String> = outgoing
        .iter()
        .chain(&incoming)
        .map(|(_, id)| id.clone())
        .collect();
    let shown = documents::related(conn, &ids)?;
    let relations = [
        (RelationDirection::Outgoing, outgoing),
        (RelationDirection::Incoming, incoming),
    ]
    .into_iter()
    .flat_map(|(direction, list)| list.into_iter().map(move |(k, id)| (direction, k, id)))
    .filter_map(|(direction, kind, id)| {
        // Only published documents are shown.
        let other = shown.iter().find(|d| d.id == id)?;
        Some(PublicDocumentRelation {
            kind,
            direction,
            label: match direction {
                RelationDirection::Outgoing => kind.name(),
                RelationDirection::Incoming => kind.inverse_name(),
            }
            .to_owned(),
            id: other.id.clone(),
            slug: other.slug.clone(),
            number: other.number.clone(),
            title: other.title.clone(),
        })
    })
    .collect();
    let procedures = procedures::based_on(conn, &item.item_id)?
        .into_iter()
        .map(|p| PublicBasedProcedure {
            id: p.id,
            slug: p.slug,
            title: p.title,
        })
        .collect();
    Ok(PublicDocumentResponse {
        procedures,
        summary: summary_of(item.into_card(), &incoming_rows, today)?,
        signer: fields.signer,
        signer_title: fields.signer_title,
        files,
        relations,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicDocumentQuery {
    /// Full-text search over số ký hiệu, trích yếu, issuer and signer (`38/QĐ`, `qd-ths1mm`).
    pub q: Option<String>,
    pub form: Option<DocumentForm>,
    /// Issuer code as in the number (`THS1MM`, `BGDĐT`), any case.
    pub issuer: Option<String>,
    /// The number's year, or the signing year for a number without one.
    pub year: Option<i32>,
    /// Category (lĩnh vực) id or slug.
    pub category: Option<String>,
    /// Validity today.
    pub validity: Option<Validity>,
    /// Signed on or after this day.
    pub signed_from: Option<NaiveDate>,
    /// Signed on or before this day.
    pub signed_to: Option<NaiveDate>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// Published documents, newest first (or ranked with `q`), filtered.
#[utoipa::path(
    tag = "documents",
    params(PublicDocumentQuery),
    responses(
        (status = 200, description = "One page of published documents", body = PublicDocumentList),
    )
)]
#[get("/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    query: web::Query<PublicDocumentQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let today = today(&state);
    let filter = documents::PublicFilter {
        form: q.form,
        issuer: q.issuer.clone(),
        year: q.year,
        category_id: None,
        validity: q.validity,
        signed_from: q.signed_from,
        signed_to: q.signed_to,
    };
    let listing = super::public::Listing {
        q: q.q,
        category: q.category,
        cursor: q.cursor,
        limit: q.limit,
    };
    super::public::list(
        &state,
        ContentKind::Document,
        listing,
        &[("issuer", q.issuer.as_deref())],
        move |conn, category_id, after, limit| {
            let filter = documents::PublicFilter {
                category_id: category_id.map(str::to_owned),
                ..filter
            };
            documents::list_public(conn, &filter, today, after, limit)
        },
        move |conn, cards| summaries_of(conn, cards.into_iter().map(|(c, _)| c).collect(), today),
        |items, next_cursor| PublicDocumentList { items, next_cursor },
    )
    .await
}

/// A published document by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "documents",
    params(("id" = String, Path, description = "Document id or slug")),
    responses(
        (status = 200, description = "The published document", body = PublicDocumentResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published document there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
pub async fn get_document(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let today = today(&state);
    super::public::item(
        &state,
        ContentKind::Document,
        id.into_inner(),
        move |conn, item| public_document(conn, item, today),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByNumberQuery {
    /// For a number without a year (`38/QĐ-THS1MM`), the signing year; the latest otherwise.
    pub year: Option<i32>,
}

/// A published document by its số ký hiệu, slash and all (`/documents/by-number/38/QĐ-THS1MM`;
/// `%2F` works too), whatever the case or Đ.
#[utoipa::path(
    tag = "documents",
    params(("number" = String, Path, description = "Số ký hiệu, e.g. 28/2020/TT-BGDĐT"), ByNumberQuery),
    responses(
        (status = 200, description = "The published document", body = PublicDocumentResponse),
        (status = 404, description = "No published document with this number", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Not a số ký hiệu (`malformed_document_number`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/documents/by-number/{number:.+}")]
pub async fn get_document_by_number(
    state: web::Data<AppState>,
    number: web::Path<String>,
    query: web::Query<ByNumberQuery>,
) -> ApiResult<HttpResponse> {
    let year = query.year;
    let today = today(&state);
    let document = state
        .db(move |conn| {
            let id = documents::by_number(conn, &number, year)?.ok_or_else(ApiError::not_found)?;
            match public::get(conn, ContentKind::Document.as_str(), &id)? {
                Lookup::Found(item) => public_document(conn, item, today),
                Lookup::Moved(_) => Err(ApiError::not_found()),
            }
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(document))
}
