//! Public procedure guides: the list (by field, category or search), the fields for its
//! filter, and a guide with its forms and its legal basis (only published documents).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use super::public_documents::PublicDocumentFile;
use super::utc;
use crate::db::DbConnection;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::category::ContentKind;
use crate::domain::procedures::{self, PaperCopy, SubmitMethod};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::documents;
use crate::services::editorial::read_fields;
use crate::services::procedures::{self as guides, ProcedureFields};
use crate::services::projection::public_fields;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_procedures)
        .service(list_procedure_fields)
        .service(get_procedure);
}

/// A guide in the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureSummary {
    pub id: String,
    pub slug: String,
    /// The procedure's name.
    pub title: String,
    /// Its code in the national database, when it has one.
    pub code: Option<String>,
    /// Lĩnh vực.
    pub field: String,
    /// Cơ quan thực hiện.
    pub unit: String,
    /// Working days; 0 is the same day.
    pub processing_days: i32,
    /// As a page shows it: `5 ngày làm việc`, `Trong ngày`.
    pub processing_label: String,
    /// Đồng; 0 is free.
    pub fee_vnd: i64,
    /// As a page shows it: `Miễn phí`, `50.000 đồng`.
    pub fee_label: String,
    pub category_id: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Search only: the matching passage, HTML-escaped, matches in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// A required paper, with its blank form when there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedurePaper {
    pub name: String,
    pub copy: PaperCopy,
    /// `Bản chính`, `Bản sao có chứng thực`, …
    pub copy_label: String,
    pub copies: i32,
    pub form: Option<PublicDocumentFile>,
}

/// A way to hand the application in.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureChannel {
    pub method: SubmitMethod,
    /// `Nộp trực tiếp`, `Qua dịch vụ bưu chính`, `Trực tuyến`.
    pub label: String,
    pub place: String,
    pub url: Option<String>,
}

/// A step, numbered from 1.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureStep {
    pub number: usize,
    pub title: String,
    /// Plain text.
    pub text: String,
}

/// A published document a guide rests on.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicLegalBasis {
    pub id: String,
    pub slug: String,
    /// Số ký hiệu.
    pub number: String,
    /// Trích yếu.
    pub title: String,
}

/// A published guide: everything a citizen needs to apply.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureResponse {
    #[serde(flatten)]
    pub summary: PublicProcedureSummary,
    /// Đối tượng thực hiện.
    pub applicants: String,
    pub steps: Vec<PublicProcedureStep>,
    pub papers: Vec<PublicProcedurePaper>,
    pub submission: Vec<PublicProcedureChannel>,
    /// Kết quả thực hiện.
    pub result: String,
    /// Căn cứ pháp lý: only documents the public can open, in the guide's order.
    pub legal_basis: Vec<PublicLegalBasis>,
    /// Citizens' questions about this procedure and their answers, as the board published
    /// them (no personal data), oldest first.
    pub faq: Vec<super::public_questions::PublicFaqEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureList {
    pub items: Vec<PublicProcedureSummary>,
    pub next_cursor: Option<String>,
}

/// The guide fields a list shows (`Kind::LISTED`).
#[derive(Deserialize)]
struct ProcedureCard {
    code: Option<String>,
    field: String,
    unit: String,
    processing_days: i32,
    fee_vnd: i64,
}

fn summary_of(card: PublicCard, snippet: Option<String>) -> ApiResult<PublicProcedureSummary> {
    let f: ProcedureCard = read_fields(&card.card)?;
    Ok(PublicProcedureSummary {
        id: card.item_id,
        slug: card.slug,
        title: card.title,
        code: f.code,
        field: f.field,
        unit: f.unit,
        processing_label: procedures::processing_label(f.processing_days),
        processing_days: f.processing_days,
        fee_label: procedures::fee_label(f.fee_vnd),
        fee_vnd: f.fee_vnd,
        category_id: card.category_id,
        published_at: utc(card.published_at),
        updated_at: utc(card.updated_at),
        snippet,
    })
}

pub(super) fn public_procedure(
    conn: &mut DbConnection,
    item: PublicItem,
) -> ApiResult<PublicProcedureResponse> {
    let fields: ProcedureFields = public_fields(&item.card, &item.detail)?;
    let item_id = item.item_id.clone();
    let form_ids: Vec<String> = fields
        .papers
        .iter()
        .filter_map(|p| p.form_media_id.clone())
        .collect();
    let forms = documents::files(conn, &form_ids)?;
    let papers = fields
        .papers
        .into_iter()
        .map(|p| PublicProcedurePaper {
            form: p
                .form_media_id
                .and_then(|id| forms.iter().find(|f| f.id == id))
                .map(PublicDocumentFile::of),
            copy_label: p.copy.name().to_owned(),
            name: p.name,
            copy: p.copy,
            copies: p.copies,
        })
        .collect();
    let shown = documents::related(conn, &fields.legal_basis)?;
    let legal_basis = fields
        .legal_basis
        .iter()
        .filter_map(|id| shown.iter().find(|d| &d.id == id))
        .map(|d| PublicLegalBasis {
            id: d.id.clone(),
            slug: d.slug.clone(),
            number: d.number.clone(),
            title: d.title.clone(),
        })
        .collect();
    Ok(PublicProcedureResponse {
        summary: summary_of(item.into_card(), None)?,
        applicants: fields.applicants,
        steps: fields
            .steps
            .into_iter()
            .enumerate()
            .map(|(i, s)| PublicProcedureStep {
                number: i + 1,
                title: s.title,
                text: s.text,
            })
            .collect(),
        papers,
        submission: fields
            .submission
            .into_iter()
            .map(|c| PublicProcedureChannel {
                label: c.method.name().to_owned(),
                method: c.method,
                place: c.place,
                url: c.url,
            })
            .collect(),
        result: fields.result,
        legal_basis,
        faq: crate::services::questions::faq_of(conn, &item_id)?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicProcedureQuery {
    /// Full-text search over the name, code, field, unit, applicants and required papers,
    /// diacritics optional (`giay khai sinh`); ranked by relevance instead of date.
    pub q: Option<String>,
    /// Lĩnh vực, as written or folded (`Giáo dục tiểu học`, `giao-duc-tieu-hoc`); see
    /// `GET /procedure-fields`.
    pub field: Option<String>,
    /// Category id or slug.
    pub category: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// Published procedure guides, newest first (or ranked with `q`), filtered.
#[utoipa::path(
    tag = "procedures",
    params(PublicProcedureQuery),
    responses(
        (status = 200, description = "One page of published guides", body = PublicProcedureList),
        (status = 400, description = "Bad filter, limit or cursor", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/procedures")]
pub async fn list_procedures(
    state: web::Data<AppState>,
    query: web::Query<PublicProcedureQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let field = q.field.clone();
    let listing = super::public::Listing {
        q: q.q,
        category: q.category,
        cursor: q.cursor,
        limit: q.limit,
    };
    super::public::list(
        &state,
        ContentKind::Procedure,
        listing,
        &[("field", q.field.as_deref())],
        move |conn, category_id, after, limit| {
            guides::list_public(conn, field.as_deref(), category_id, after, limit)
        },
        |_, cards| {
            cards
                .into_iter()
                .map(|(card, snippet)| summary_of(card, snippet))
                .collect()
        },
        |items, next_cursor| PublicProcedureList { items, next_cursor },
    )
    .await
}

/// A field (lĩnh vực) of published guides.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureField {
    /// As written on the guides.
    pub field: String,
    /// Folded, for `GET /procedures?field=`.
    pub key: String,
    /// How many published guides it has.
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProcedureFieldList {
    pub items: Vec<PublicProcedureField>,
}

/// The fields (lĩnh vực) of published guides, for a filter menu.
#[utoipa::path(
    tag = "procedures",
    responses(
        (status = 200, description = "Every field with published guides, by key", body = PublicProcedureFieldList),
    )
)]
#[get("/procedure-fields")]
pub async fn list_procedure_fields(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let items = state.db(guides::fields).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(PublicProcedureFieldList {
            items: items
                .into_iter()
                .map(|f| PublicProcedureField {
                    field: f.field,
                    key: f.key,
                    count: f.count,
                })
                .collect(),
        }))
}

/// A published guide by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "procedures",
    params(("id" = String, Path, description = "Guide id or slug")),
    responses(
        (status = 200, description = "The published guide", body = PublicProcedureResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published guide there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/procedures/{id}")]
pub async fn get_procedure(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    super::public::item(
        &state,
        ContentKind::Procedure,
        id.into_inner(),
        public_procedure,
    )
    .await
}
