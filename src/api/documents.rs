//! Documents (văn bản) over HTTP, editorial side: the routes of the editorial machine typed
//! for documents, and the writes. The public registry is in `public_documents.rs`.

use actix_web::{delete, get, patch, post};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::domain::documents::DocumentForm;
use crate::domain::text::{nfc, no_nul};
use crate::error::ApiResult;
use crate::services::documents::{self, Document, DocumentFields, Relation};
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;

impl Resource for Document {
    type Response = DocumentResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_document_working_copies)
        .service(get_document_working_copy)
        .service(create_document)
        .service(update_document)
        .service(delete_document)
        .service(submit_document)
        .service(approve_document)
        .service(request_changes_document)
        .service(reject_document)
        .service(publish_document)
        .service(unpublish_document)
        .service(archive_document)
        .service(list_document_revisions)
        .service(get_document_revision)
        .service(diff_document_revisions)
        .service(restore_document_revision)
        .service(document_history);
}

/// A document's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: DocumentFields,
}

impl From<Working<DocumentFields>> for DocumentResponse {
    fn from(item: Working<DocumentFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        DocumentResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A new document (a draft). The number is parsed, checked against the form, and unique
    /// per issuer and year.
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
        #[serde(default)]
        #[validate(length(max = 20))]
        #[schema(max_items = 20)]
        pub file_ids: Vec<String>,
        #[serde(default)]
        #[validate(length(max = 50))]
        #[schema(max_items = 50)]
        pub relations: Vec<Relation>,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay. Every field is replaced whole (`relations` too).
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
        #[validate(length(max = 20))]
        #[schema(nullable = false, max_items = 20)]
        pub file_ids: Option<Vec<String>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 50))]
        #[schema(nullable = false, max_items = 50)]
        pub relations: Option<Vec<Relation>>,
    }
}

impl editorial::CreateRequest for CreateDocumentRequest {
    type Kind = Document;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, DocumentFields)> {
        check
            .text("title", &self.title)
            .text("issuer", &self.issuer)
            .text("signer", &self.signer)
            .text("signer_title", &self.signer_title)
            .check()?;
        let fields = DocumentFields {
            number: usual_number(&self.number)?,
            form: self.form,
            issuer: self.issuer,
            signer: self.signer,
            signer_title: self.signer_title,
            signed_on: self.signed_on,
            effective_on: self.effective_on,
            expires_on: self.expires_on,
            file_ids: self.file_ids,
            relations: self.relations,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdateDocumentRequest {
    type Kind = Document;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<DocumentFields>> {
        check
            .sent("title", &self.title)
            .sent("issuer", &self.issuer)
            .sent("signer", &self.signer)
            .sent("signer_title", &self.signer_title)
            .check()?;
        let number = self.number.as_deref().map(usual_number).transpose()?;
        Ok(Box::new(move |mut draft: Draft<DocumentFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.number = number.unwrap_or(std::mem::take(&mut f.number));
            f.form = self.form.unwrap_or(f.form);
            f.issuer = self.issuer.unwrap_or(std::mem::take(&mut f.issuer));
            f.signer = self.signer.unwrap_or(std::mem::take(&mut f.signer));
            f.signer_title = self
                .signer_title
                .unwrap_or(std::mem::take(&mut f.signer_title));
            f.signed_on = self.signed_on.unwrap_or(f.signed_on);
            f.effective_on = self.effective_on.unwrap_or(f.effective_on);
            f.expires_on = self.expires_on.unwrap_or(f.expires_on);
            f.file_ids = self.file_ids.unwrap_or(std::mem::take(&mut f.file_ids));
            f.relations = self.relations.unwrap_or(std::mem::take(&mut f.relations));
            draft
        }))
    }
}

/// The number in its usual form (422 on `number` when malformed).
fn usual_number(written: &str) -> ApiResult<String> {
    Ok(documents::parse_number(written)?.text)
}

editorial_endpoint!(
    create Document,
    "documents",
    CreateDocumentRequest,
    DocumentResponse,
    create_document,
    "/documents",
    "`document_number_taken` (same number, issuer and year) or `slug_taken`",
    "Invalid fields: `malformed_document_number`, `form_mismatch`, `expires_before_effective`, `unknown_document_file`, `unknown_document`, `relation_cycle`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Write a new document (a draft)."
);
editorial_endpoint!(
    update Document,
    "documents",
    UpdateDocumentRequest,
    DocumentResponse,
    update_document,
    "/documents/{id}",
    "`document_number_taken` or `slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published document sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    delete Document,
    "documents",
    delete_document,
    "/documents/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list Document,
    "documents",
    DocumentList,
    list_document_working_copies,
    "/editorial/documents",
    "Editorial list: the document working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Document,
    "documents",
    DocumentResponse,
    get_document_working_copy,
    "/editorial/documents/{id}",
    "Read a document's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    submit_document,
    "/documents/{id}/submit",
    Submit,
    "Submit a draft document for review."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    approve_document,
    "/documents/{id}/approve",
    Approve,
    "Approve a submitted document (never one's own)."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    request_changes_document,
    "/documents/{id}/request-changes",
    RequestChanges,
    "Send a submitted document back to its author with a comment (required)."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    reject_document,
    "/documents/{id}/reject",
    Reject,
    "Reject a submitted document: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    publish_document,
    "/documents/{id}/publish",
    Publish,
    "Publish an approved document now or at `publish_at`; it needs at least one file."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    unpublish_document,
    "/documents/{id}/unpublish",
    Unpublish,
    "Take a document off the public registry, or cancel its scheduled publication."
);
editorial_endpoint!(
    step Document,
    "documents",
    DocumentResponse,
    archive_document,
    "/documents/{id}/archive",
    Archive,
    "Archive a document: documents are permanent (Điều 10.2c), never deleted."
);

editorial_endpoint!(
    revisions Document,
    "documents",
    list_document_revisions,
    "/documents/{id}/revisions"
);

/// A saved revision of a document, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRevisionResponse {
    /// The revision's number (`number` is the số ký hiệu).
    pub revision: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: DocumentFields,
}

impl From<Revision<DocumentFields>> for DocumentRevisionResponse {
    fn from(r: Revision<DocumentFields>) -> Self {
        let (revision, saved, fields) = SavedRevision::of(r);
        DocumentRevisionResponse {
            revision,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision Document,
    "documents",
    DocumentRevisionResponse,
    get_document_revision,
    "/documents/{id}/revisions/{number}"
);

/// What changed between two revisions of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `number`, `file_ids`, `relations`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for DocumentRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        DocumentRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff Document,
    "documents",
    DocumentRevisionDiff,
    diff_document_revisions,
    "/documents/{id}/diff",
    &[]
);
editorial_endpoint!(
    restore Document,
    "documents",
    DocumentResponse,
    restore_document_revision,
    "/documents/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Document,
    "documents",
    document_history,
    "/documents/{id}/history"
);
