//! Documents (văn bản) over HTTP: the editorial routes of the machine, typed for documents,
//! and the public registry (list with filters, lookup by số ký hiệu, the item with its files,
//! relations and validity).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::editorial::{
    self, PageQuery, Resource, RevisionSummary, TransitionResponse, WorkingCopyQuery,
    transition_endpoint, with_etag,
};
use super::public_articles::PUBLIC_CACHE;
use super::{IfMatch, encode_cursor, page_request, utc};
use crate::auth::Actor;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::documents::{DocumentForm, RelationKind, Validity, vietnam_day};
use crate::domain::text::{nfc, no_nul, valid_slug};
use crate::domain::workflow::{Status, Transition};
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::documents::{self, Document, DocumentFields, Relation};
use crate::services::editorial::{Draft, Working, public_fields, read_fields};
use crate::services::{AuditContext, Lookup, encoding, public};
use crate::state::AppState;

impl Resource for Document {
    type Response = DocumentResponse;
    const PATH: &'static str = "documents";
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_documents)
        .service(get_document_by_number)
        .service(get_document)
        .service(list_document_working_copies)
        .service(get_document_working_copy)
        .service(create_document)
        .service(update_document)
        .service(submit_document)
        .service(approve_document)
        .service(request_changes_document)
        .service(reject_document)
        .service(publish_document)
        .service(unpublish_document)
        .service(archive_document)
        .service(list_document_revisions)
        .service(document_history)
        .service(restore_document_revision);
}

/// A relation as written: this document `kind` the other (`replaces`, …).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRelation {
    pub kind: RelationKind,
    pub document_id: String,
}

/// A document's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    pub id: String,
    pub slug: String,
    pub status: Status,
    /// Whether a published revision is on the public site.
    pub live: bool,
    /// Trích yếu.
    pub title: String,
    /// Số ký hiệu, in its usual form (`38/QĐ-THS1MM`).
    pub number: String,
    pub form: DocumentForm,
    /// Cơ quan ban hành.
    pub issuer: String,
    pub signer: String,
    pub signer_title: String,
    pub signed_on: NaiveDate,
    /// The first day in force; the signing day when `null`.
    pub effective_on: Option<NaiveDate>,
    /// The first day no longer in force; `null` while open-ended.
    pub expires_on: Option<NaiveDate>,
    pub category_id: String,
    pub file_ids: Vec<String>,
    pub relations: Vec<DocumentRelation>,
    pub author_id: String,
    pub revision: i32,
    pub published_revision: Option<i32>,
    pub publish_at: Option<DateTime<Utc>>,
    pub first_published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Working<DocumentFields>> for DocumentResponse {
    fn from(item: Working<DocumentFields>) -> Self {
        let status = item.status();
        let (d, f) = (item.row, item.fields);
        DocumentResponse {
            status,
            live: d.published_revision.is_some(),
            id: d.id,
            slug: d.slug,
            title: d.title,
            number: f.number,
            form: f.form,
            issuer: f.issuer,
            signer: f.signer,
            signer_title: f.signer_title,
            signed_on: f.signed_on,
            effective_on: f.effective_on,
            expires_on: f.expires_on,
            category_id: d.category_id,
            file_ids: f.file_ids,
            relations: f
                .relations
                .into_iter()
                .map(|r| DocumentRelation {
                    kind: r.kind,
                    document_id: r.document_id,
                })
                .collect(),
            author_id: d.author_id,
            revision: d.revision,
            published_revision: d.published_revision,
            publish_at: d.publish_at.map(utc),
            first_published_at: d.first_published_at.map(utc),
            created_at: utc(d.created_at),
            updated_at: utc(d.updated_at),
        }
    }
}

/// A new document (a draft). The number is parsed, checked against the form, and unique per
/// issuer and year.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDocumentRequest {
    /// Số ký hiệu: `38/QĐ-THS1MM`, `28/2020/TT-BGDĐT`, `1234/UBND-VX`.
    #[serde(deserialize_with = "nfc::string")]
    #[schema(example = "38/QĐ-THS1MM")]
    pub number: String,
    pub form: DocumentForm,
    /// Trích yếu.
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 1000), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 300)]
    pub issuer: String,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[schema(max_length = 200)]
    pub signer: String,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[schema(max_length = 200)]
    pub signer_title: String,
    pub signed_on: NaiveDate,
    pub effective_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub category_id: String,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub file_ids: Vec<String>,
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub relations: Vec<DocumentRelation>,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Fields to change; absent ones stay. Every field is replaced whole (`relations` too).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDocumentRequest {
    #[serde(default, deserialize_with = "nfc::present")]
    #[schema(nullable = false)]
    pub number: Option<String>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub form: Option<DocumentForm>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 1000), custom(function = "no_nul"))]
    #[schema(nullable = false, min_length = 1, max_length = 1000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 200)]
    pub signer: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 200)]
    pub signer_title: Option<String>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub signed_on: Option<NaiveDate>,
    /// `null` clears it (in force from the signing day).
    #[serde(default, deserialize_with = "super::body::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub effective_on: Option<Option<NaiveDate>>,
    /// `null` clears it (open-ended).
    #[serde(default, deserialize_with = "super::body::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expires_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub category_id: Option<String>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[validate(length(max = 20))]
    #[schema(nullable = false, max_items = 20)]
    pub file_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[validate(length(max = 50))]
    #[schema(nullable = false, max_items = 50)]
    pub relations: Option<Vec<DocumentRelation>>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(nullable = false, min_length = 1, max_length = 120)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub note: String,
}

fn relations_of(list: Vec<DocumentRelation>) -> Vec<Relation> {
    list.into_iter()
        .map(|r| Relation {
            kind: r.kind,
            document_id: r.document_id,
        })
        .collect()
}

/// The number in its usual form (422 on `number` when malformed).
fn usual_number(written: &str) -> ApiResult<String> {
    Ok(documents::parse_number(written)?.text)
}

/// Write a new document (a draft).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    request_body = CreateDocumentRequest,
    responses(
        (status = 201, description = "The draft, revision 1", body = DocumentResponse, headers(("ETag" = String, description = "Send back in If-Match"))),
        (status = 403, description = "The role does not write", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`document_number_taken` (same number, issuer and year) or `slug_taken`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `malformed_document_number`, `form_mismatch`, `expires_before_effective`, `unknown_document_file`, `unknown_document`, `relation_cycle`, `category_kind_mismatch`, `legacy_vietnamese_encoding`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/documents")]
pub async fn create_document(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateDocumentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("title", &body.title)
        .text("issuer", &body.issuer)
        .text("signer", &body.signer)
        .text("signer_title", &body.signer_title)
        .text("note", &body.note)
        .check()?;
    let draft = Draft {
        title: body.title,
        category_id: body.category_id,
        slug: String::new(),
        fields: DocumentFields {
            number: usual_number(&body.number)?,
            form: body.form,
            issuer: body.issuer,
            signer: body.signer,
            signer_title: body.signer_title,
            signed_on: body.signed_on,
            effective_on: body.effective_on,
            expires_on: body.expires_on,
            file_ids: body.file_ids,
            relations: relations_of(body.relations),
        },
    };
    let ctx = AuditContext::from(&actor);
    let (slug, note) = (body.slug, body.note);
    let document = state
        .db(move |conn| {
            crate::services::editorial::create::<Document>(
                conn,
                &ctx,
                &actor.caller(),
                draft,
                slug,
                &note,
            )
        })
        .await?;
    editorial::created::<Document>(document)
}

/// Save a change as a new revision (requires `If-Match`).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Document id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed"),
    ),
    request_body = UpdateDocumentRequest,
    responses(
        (status = 200, description = "The working copy", body = DocumentResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "The caller may not edit this document", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`document_number_taken` or `slug_taken`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since loaded", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, as on create", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/documents/{id}")]
pub async fn update_document(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: JsonBody<UpdateDocumentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .sent("title", &body.title)
        .sent("issuer", &body.issuer)
        .sent("signer", &body.signer)
        .sent("signer_title", &body.signer_title)
        .text("note", &body.note)
        .check()?;
    let number = body.number.as_deref().map(usual_number).transpose()?;
    let ctx = AuditContext::from(&actor);
    let note = body.note.clone();
    let document = state
        .db(move |conn| {
            crate::services::editorial::update::<Document>(
                conn,
                &ctx,
                &actor.caller(),
                &id,
                if_match.0,
                &note,
                |mut draft| {
                    let f = &mut draft.fields;
                    draft.title = body.title.unwrap_or(draft.title);
                    draft.category_id = body.category_id.unwrap_or(draft.category_id);
                    draft.slug = body.slug.unwrap_or(draft.slug);
                    f.number = number.unwrap_or(std::mem::take(&mut f.number));
                    f.form = body.form.unwrap_or(f.form);
                    f.issuer = body.issuer.unwrap_or(std::mem::take(&mut f.issuer));
                    f.signer = body.signer.unwrap_or(std::mem::take(&mut f.signer));
                    f.signer_title = body
                        .signer_title
                        .unwrap_or(std::mem::take(&mut f.signer_title));
                    f.signed_on = body.signed_on.unwrap_or(f.signed_on);
                    f.effective_on = body.effective_on.unwrap_or(f.effective_on);
                    f.expires_on = body.expires_on.unwrap_or(f.expires_on);
                    f.file_ids = body.file_ids.unwrap_or(std::mem::take(&mut f.file_ids));
                    if let Some(relations) = body.relations {
                        f.relations = relations_of(relations);
                    }
                    draft
                },
            )
        })
        .await?;
    Ok(with_etag::<Document>(StatusCode::OK, document))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentResponse>,
    pub next_cursor: Option<String>,
}

/// Editorial list: the document working copies the caller may see, most recently changed first.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(WorkingCopyQuery),
    responses(
        (status = 200, description = "One page of working copies", body = DocumentList),
        (status = 403, description = "The role has no editorial view", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/editorial/documents")]
pub async fn list_document_working_copies(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<WorkingCopyQuery>,
) -> ApiResult<web::Json<DocumentList>> {
    let (items, next_cursor) =
        editorial::list_working_copies::<Document>(actor, state, query.into_inner()).await?;
    Ok(web::Json(DocumentList { items, next_cursor }))
}

/// Read a document's working copy by id or slug.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id or slug")),
    responses(
        (status = 200, description = "The working copy", body = DocumentResponse, headers(("ETag" = String, description = "Send back in If-Match"))),
        (status = 301, description = "An old slug: `Location` names the current one"),
        (status = 404, description = "No such document, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/editorial/documents/{id}")]
pub async fn get_document_working_copy(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    editorial::get_working_copy::<Document>(actor, state, id.into_inner()).await
}

transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    submit_document,
    "/documents/{id}/submit",
    Transition::Submit,
    "Submit a draft document for review."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    approve_document,
    "/documents/{id}/approve",
    Transition::Approve,
    "Approve a submitted document (never one's own)."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    request_changes_document,
    "/documents/{id}/request-changes",
    Transition::RequestChanges,
    "Send a submitted document back to its author with a comment (required)."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    reject_document,
    "/documents/{id}/reject",
    Transition::Reject,
    "Reject a submitted document: back to draft, with a comment (required)."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    publish_document,
    "/documents/{id}/publish",
    Transition::Publish,
    "Publish an approved document now or at `publish_at`; it needs at least one file."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    unpublish_document,
    "/documents/{id}/unpublish",
    Transition::Unpublish,
    "Take a document off the public registry, or cancel its scheduled publication."
);
transition_endpoint!(
    Document,
    "documents",
    DocumentResponse,
    archive_document,
    "/documents/{id}/archive",
    Transition::Archive,
    "Archive a document: documents are permanent (Điều 10.2c), never deleted."
);

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
    pub next_cursor: Option<String>,
}

/// A document's saved revisions, newest first.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id"), PageQuery),
    responses(
        (status = 200, description = "One page of revisions", body = DocumentRevisionList),
        (status = 404, description = "No such document, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/revisions")]
pub async fn list_document_revisions(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<DocumentRevisionList>> {
    let (items, next_cursor) =
        editorial::revisions::<Document>(actor, state, id.into_inner(), query.into_inner()).await?;
    Ok(web::Json(DocumentRevisionList { items, next_cursor }))
}

/// Make an old revision current again, as a new revision (requires `If-Match`).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Document id"),
        ("number" = i32, Path, description = "Revision to restore"),
        ("If-Match" = String, Header, description = "The ETag of the current version"),
    ),
    responses(
        (status = 200, description = "The working copy with a new revision", body = DocumentResponse),
        (status = 404, description = "No such document or revision", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since loaded", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/revisions/{number}/restore")]
pub async fn restore_document_revision(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    editorial::restore::<Document>(actor, state, id, number, if_match).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentHistory {
    /// Oldest first.
    pub items: Vec<TransitionResponse>,
    pub next_cursor: Option<String>,
}

/// A document's workflow history, oldest first.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id"), PageQuery),
    responses(
        (status = 200, description = "One page of steps", body = DocumentHistory),
        (status = 404, description = "No such document, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/history")]
pub async fn document_history(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<DocumentHistory>> {
    let (items, next_cursor) =
        editorial::history::<Document>(actor, state, id.into_inner(), query.into_inner()).await?;
    Ok(web::Json(DocumentHistory { items, next_cursor }))
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

fn summary_of(
    conn: &mut crate::db::DbConnection,
    card: PublicCard,
    today: NaiveDate,
) -> ApiResult<PublicDocumentSummary> {
    let fields: DocumentCard = read_fields(&card.card)?;
    let effective = fields.effective_on.unwrap_or(fields.signed_on);
    let (validity, amended_in_part) =
        documents::validity_of(conn, &card.item_id, effective, fields.expires_on, today)?;
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

fn today() -> NaiveDate {
    vietnam_day(Utc::now())
}

fn public_document(
    conn: &mut crate::db::DbConnection,
    item: PublicItem,
) -> ApiResult<PublicDocumentResponse> {
    let fields: DocumentFields = public_fields(&item.card, &item.detail)?;
    let files = documents::files(conn, &fields.file_ids)?
        .into_iter()
        .map(|f| PublicDocumentFile {
            url: format!("/api/v1/media/{}/file", f.id),
            id: f.id,
            name: f.name,
            content_type: f.content_type,
            size: f.size,
        })
        .collect();
    let outgoing: Vec<(RelationKind, String)> = fields
        .relations
        .iter()
        .map(|r| (r.kind, r.document_id.clone()))
        .collect();
    let incoming: Vec<(RelationKind, String)> = documents::incoming(conn, &item.item_id)?
        .into_iter()
        .map(|r| (r.kind, r.from_id))
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
    let card = PublicCard {
        item_id: item.item_id,
        kind: item.kind,
        slug: item.slug,
        category_id: item.category_id,
        published_at: item.published_at,
        updated_at: item.updated_at,
        author_name: item.author_name,
        title: item.title,
        summary: item.summary,
        card: item.card,
    };
    Ok(PublicDocumentResponse {
        summary: summary_of(conn, card, today())?,
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
    let (after, limit) = page_request(q.cursor.as_deref(), q.limit)?;
    for (name, value) in [
        ("q", &q.q),
        ("category", &q.category),
        ("issuer", &q.issuer),
    ] {
        if let Some(value) = value {
            super::check_query_text(name, value)?;
        }
    }
    let body = state
        .db(move |conn| {
            let category_id = match &q.category {
                None => None,
                Some(c) => {
                    Some(crate::services::categories::resolve_id(conn, c)?.unwrap_or_default())
                }
            };
            let today = today();
            let (cards, next) = if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty())
            {
                let offset = super::search_offset(after.as_deref())?;
                let scope = public::SearchScope {
                    kind: Some(crate::domain::category::ContentKind::Document.as_str()),
                    category_id: category_id.as_deref(),
                };
                let page = public::search(conn, text, scope, offset, limit)?;
                (
                    page.items.into_iter().map(|h| h.item).collect::<Vec<_>>(),
                    page.next_after,
                )
            } else {
                let filter = documents::PublicFilter {
                    form: q.form,
                    issuer: q.issuer,
                    year: q.year,
                    category_id,
                    validity: q.validity,
                    signed_from: q.signed_from,
                    signed_to: q.signed_to,
                };
                let after = super::time_cursor(after)?;
                let page = documents::list_public(conn, &filter, today, after, limit)?;
                (page.items, page.next_after)
            };
            let items = cards
                .into_iter()
                .map(|card| summary_of(conn, card, today))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(PublicDocumentList {
                items,
                next_cursor: next.as_deref().map(encode_cursor),
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
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
    let found = state
        .db(move |conn| {
            Ok(
                match public::get(conn, crate::services::editorial::name::<Document>(), &id)? {
                    Lookup::Found(item) => Lookup::Found(public_document(conn, item)?),
                    Lookup::Moved(slug) => Lookup::Moved(slug),
                },
            )
        })
        .await?;
    Ok(match found {
        Lookup::Found(d) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .json(d),
        Lookup::Moved(slug) => HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/api/v1/documents/{slug}")))
            .finish(),
    })
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
    let document = state
        .db(move |conn| {
            let id = documents::by_number(conn, &number, year)?.ok_or_else(ApiError::not_found)?;
            match public::get(conn, crate::services::editorial::name::<Document>(), &id)? {
                Lookup::Found(item) => public_document(conn, item),
                Lookup::Moved(_) => Err(ApiError::not_found()),
            }
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(document))
}
